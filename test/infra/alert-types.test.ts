import { ALERT_TYPES } from '../../lib/readiness-monitor';
import { AlertTypeSchema } from '../../lambdas/core/schemas';

// lib/ may not import runtime code, so the construct keeps its own list of alert types for owner filters.
describe('ReadinessMonitor ALERT_TYPES', () => {
  it('lists exactly the alert types the monitor publishes', () => {
    expect([...ALERT_TYPES].sort()).toEqual([...AlertTypeSchema.options].sort());
  });
});
