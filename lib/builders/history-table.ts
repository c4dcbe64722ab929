import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  CONSUMED_EVIDENCE_FILE,
  CONSUMED_EVIDENCE_PREFIX,
  HISTORY_FILE,
  HISTORY_PREFIX,
  HISTORY_PROJECTION_START,
} from '../../lambdas/constants';
import type { ResolvedConfig } from '../resolve-config';

/** The optional Glue database and tables over the compliance history (absent unless `historyTable` is set). */
export interface HistoryTables {
  readonly database: glue.CfnDatabase;
  /** One row per policy row per day: `history/date=<date>/rows.jsonl`. */
  readonly rowsTable: glue.CfnTable;
  /** The evidence each day's decision consumed: `history/consumed-evidence/date=<date>/consumed-evidence.jsonl`. */
  readonly evidenceTable: glue.CfnTable;
}

type Column = glue.CfnTable.ColumnProperty;

/** The partition key of the history's folders (`HISTORY_PREFIX`, `CONSUMED_EVIDENCE_PREFIX` end in it). */
const PARTITION_KEY = 'date=';

const ROW_COLUMNS: Column[] = [
  { name: 'asof', type: 'string', comment: 'the run instant (ISO-8601 UTC)' },
  { name: 'rowid', type: 'string' },
  { name: 'phase', type: 'string' },
  { name: 'blocking', type: 'boolean' },
  {
    name: 'status',
    type: 'string',
    comment: 'compliant, due-soon, overdue, never-drilled or cutover-uncovered',
  },
  { name: 'dueat', type: 'string', comment: 'ISO-8601 UTC, null when never drilled' },
  { name: 'findings', type: 'array<string>', comment: 'the row finding codes' },
  { name: 'waived', type: 'boolean', comment: 'an active waiver covers at least one finding' },
  { name: 'decision', type: 'string', comment: 'the day promotion decision: go or no-go' },
];

const EVIDENCE_COLUMNS: Column[] = [
  { name: 'asof', type: 'string' },
  { name: 'decision', type: 'string' },
  { name: 'windowid', type: 'string' },
  { name: 'rowid', type: 'string' },
  { name: 'key', type: 'string', comment: 'the artifact key under the evidence prefix' },
  { name: 'etag', type: 'string' },
  { name: 'versionid', type: 'string' },
  { name: 'sha256', type: 'string' },
  { name: 'completedat', type: 'string' },
  { name: 'runbookversion', type: 'string' },
];

/** `HistoryDatabase`, `HistoryRowsTable` and `HistoryEvidenceTable`, when `historyTable` is set; else nothing. */
export function buildHistoryTables(
  scope: Construct,
  config: ResolvedConfig,
  bucket: s3.IBucket,
): HistoryTables | undefined {
  const names = config.historyTable;
  if (!names) return undefined;
  const catalogId = Stack.of(scope).account;
  const database = new glue.CfnDatabase(scope, 'HistoryDatabase', {
    catalogId,
    databaseInput: {
      name: names.databaseName,
      description: 'USR readiness monitor: compliance history (Athena, partition projection on date)',
    },
  });
  const root = `s3://${bucket.bucketName}/${config.reportsPrefix}`;
  const table = (id: string, name: string, prefix: string, columns: Column[], description: string) =>
    new glue.CfnTable(scope, id, {
      catalogId,
      databaseName: database.ref,
      tableInput: projectedJsonTable(name, root, prefix, columns, description),
    });
  return {
    database,
    rowsTable: table(
      'HistoryRowsTable',
      names.tableName,
      HISTORY_PREFIX,
      ROW_COLUMNS,
      `one row per policy row per day (${HISTORY_PREFIX}<date>/${HISTORY_FILE})`,
    ),
    evidenceTable: table(
      'HistoryEvidenceTable',
      names.evidenceTableName,
      CONSUMED_EVIDENCE_PREFIX,
      EVIDENCE_COLUMNS,
      `the evidence each day decision consumed (${CONSUMED_EVIDENCE_PREFIX}<date>/${CONSUMED_EVIDENCE_FILE})`,
    ),
  };
}

/** The `date=` partitions' folder of a history prefix such as `history/date=` (`history/`). */
function partitionsFolder(prefix: string): string {
  if (!prefix.endsWith(PARTITION_KEY)) throw new Error(`${prefix} does not end in ${PARTITION_KEY}`);
  return prefix.slice(0, -PARTITION_KEY.length);
}

/**
 * A JSON Lines table under `<root><prefix>`, partitioned by `date` (`<root><prefix>YYYY-MM-DD/`, the prefix ending
 * in `date=`) with partition projection: Athena computes the partitions from the query's `date` filter, so no
 * crawler or `MSCK REPAIR` is ever needed, and a new day is queryable as soon as the monitor writes it.
 */
function projectedJsonTable(
  name: string,
  root: string,
  prefix: string,
  columns: Column[],
  description: string,
): glue.CfnTable.TableInputProperty {
  const location = `${root}${partitionsFolder(prefix)}`;
  return {
    name,
    description,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      classification: 'json',
      'projection.enabled': 'true',
      'projection.date.type': 'date',
      'projection.date.format': 'yyyy-MM-dd',
      'projection.date.range': `${HISTORY_PROJECTION_START},NOW`,
      'projection.date.interval': '1',
      'projection.date.interval.unit': 'DAYS',
      'storage.location.template': `${root}${prefix}\${date}/`,
    },
    partitionKeys: [{ name: 'date', type: 'string' }],
    storageDescriptor: {
      location,
      columns,
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
    },
  };
}
