/**
 * The `ChainBroken` metric's source: after each run, the newest days of the manifest chain and `reports/latest/`
 * are verified (`checkChainTip`). A check that cannot read is logged and counted as broken: the chain cannot be
 * shown intact.
 */
import type { ReportSink } from '../ports';
import { checkChainTip } from '../verify';

interface ChainLogger {
  error(message: string, ...extra: unknown[]): void;
}

export async function checkChain(
  reports: ReportSink,
  concurrency: number,
  logger: ChainLogger,
): Promise<{ readonly broken: boolean }> {
  try {
    const tip = await checkChainTip(reports, concurrency);
    if (tip.broken) logger.error('manifest chain broken', { problems: tip.problems });
    return { broken: tip.broken };
  } catch (error) {
    logger.error('manifest chain check failed', error instanceof Error ? error : new Error(String(error)));
    return { broken: true };
  }
}
