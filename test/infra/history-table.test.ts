import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ConsumedEvidenceRecordSchema, HistoryRecordSchema } from '../../lambdas/core/schemas';
import { ReadinessMonitorStack, parseMonitorContext } from '../../lib/readiness-monitor-stack';
import { errorOf, expectLowercaseStart, monitorFixture, newApp, ref } from './support';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const resourcesOfType = (template: Template, type: string) =>
  Object.values(template.toJSON()['Resources'] as Resources).filter((r) => r.Type === type);

const s3Url = (bucket: unknown, suffix: string) => ({ 'Fn::Join': ['', ['s3://', bucket, suffix]] });

interface TableInput {
  Name: string;
  Parameters: Record<string, unknown>;
  PartitionKeys: { Name: string; Type: string }[];
  StorageDescriptor: { Location: unknown; Columns: { Name: string; Type: string }[]; SerdeInfo: unknown };
}

function tables(template: Template): Record<string, TableInput> {
  return Object.fromEntries(
    resourcesOfType(template, 'AWS::Glue::Table').map((t) => {
      const input = t.Properties['TableInput'] as TableInput;
      return [input.Name, input];
    }),
  );
}

describe('ReadinessMonitor history tables', () => {
  it('creates no Glue resource by default', () => {
    const { template } = monitorFixture();
    expect(resourcesOfType(template, 'AWS::Glue::Database')).toEqual([]);
    expect(resourcesOfType(template, 'AWS::Glue::Table')).toEqual([]);
  });

  it('creates the database and two JSON tables over history/ with partition projection on date', () => {
    const { template, monitor } = monitorFixture(() => ({ historyTable: true }));
    const bucket = ref(monitor.evidenceBucket);
    template.resourceCountIs('AWS::Glue::Database', 1);
    template.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: { Name: 'usr_readiness' },
    });
    const { row_history: rows, consumed_evidence: evidence } = tables(template);
    for (const [table, folder] of [
      [rows, '/history/'],
      [evidence, '/history/consumed-evidence/'],
    ] as const) {
      expect(table?.Parameters).toEqual({
        classification: 'json',
        'projection.enabled': 'true',
        'projection.date.type': 'date',
        'projection.date.format': 'yyyy-MM-dd',
        'projection.date.range': '2020-01-01,NOW',
        'projection.date.interval': '1',
        'projection.date.interval.unit': 'DAYS',
        'storage.location.template': s3Url(bucket, `${folder}date=\${date}/`),
      });
      expect(table?.PartitionKeys).toEqual([{ Name: 'date', Type: 'string' }]);
      expect(table?.StorageDescriptor.Location).toEqual(s3Url(bucket, folder));
      expect(table?.StorageDescriptor.SerdeInfo).toEqual({
        SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
      });
    }
    for (const table of resourcesOfType(template, 'AWS::Glue::Table')) {
      expect(table.Properties['DatabaseName']).toEqual(ref(monitor.historyDatabase!));
      expect(table.Properties['CatalogId']).toEqual({ Ref: 'AWS::AccountId' });
    }
  });

  it('declares a column for every field of a history line (lowercase, as the JSON SerDe matches them), but date', () => {
    const { template } = monitorFixture(() => ({ historyTable: true }));
    const { row_history: rows, consumed_evidence: evidence } = tables(template);
    const fields = (shape: Record<string, unknown>) =>
      Object.keys(shape)
        .filter((k) => k !== 'date')
        .map((k) => k.toLowerCase())
        .sort();
    expect(rows?.StorageDescriptor.Columns.map((c) => c.Name).sort()).toEqual(
      fields(HistoryRecordSchema.shape),
    );
    expect(evidence?.StorageDescriptor.Columns.map((c) => c.Name).sort()).toEqual(
      fields(ConsumedEvidenceRecordSchema.shape),
    );
    expect(rows?.StorageDescriptor.Columns.find((c) => c.Name === 'findings')?.Type).toBe('array<string>');
    expect(rows?.StorageDescriptor.Columns.find((c) => c.Name === 'blocking')?.Type).toBe('boolean');
  });

  it('uses the given names and the reports prefix of an imported bucket', () => {
    const { template, monitor } = monitorFixture((stack) => ({
      evidenceBucket: s3.Bucket.fromBucketName(stack, 'Imported', 'usr-evidence-prod'),
      evidencePrefix: 'usr/',
      reportsPrefix: 'usr-monitor/',
      historyTable: { databaseName: 'audit', tableName: 'usr_rows', evidenceTableName: 'usr_evidence' },
    }));
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'audit' } });
    const named = tables(template);
    expect(Object.keys(named).sort()).toEqual(['usr_evidence', 'usr_rows']);
    expect(named['usr_rows']?.StorageDescriptor.Location).toEqual(
      's3://usr-evidence-prod/usr-monitor/history/',
    );
    expect(named['usr_evidence']?.Parameters['storage.location.template']).toBe(
      's3://usr-evidence-prod/usr-monitor/history/consumed-evidence/date=${date}/',
    );
    expect(monitor.historyTable?.ref).toBeDefined();
  });

  it('rejects names Athena cannot use, and two tables of one name', () => {
    for (const historyTable of [
      { databaseName: 'USR' },
      { tableName: 'row-history' },
      { evidenceTableName: '1st' },
      { tableName: 'same', evidenceTableName: 'same' },
    ]) {
      const message = errorOf(() => monitorFixture(() => ({ historyTable })));
      expectLowercaseStart(message);
      expect(message).toMatch(/^historyTable\.(databaseName|tableName|evidenceTableName|tableName and)/);
    }
  });
});

describe('ReadinessMonitorStack historyTable context', () => {
  it('creates the tables and outputs the database name when set to true', () => {
    const stack = new ReadinessMonitorStack(newApp({ historyTable: 'true' }), 'Usr');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Glue::Table', 2);
    template.hasOutput('HistoryDatabaseName', { Value: ref(stack.monitor.historyDatabase!) });
  });

  it('creates none by default or when false, and rejects anything but a boolean', () => {
    for (const context of [{}, { historyTable: false }, { historyTable: 'false' }]) {
      const template = Template.fromStack(new ReadinessMonitorStack(newApp(context), 'Usr'));
      template.resourceCountIs('AWS::Glue::Table', 0);
      expect(Object.keys(template.toJSON()['Outputs'] as object)).not.toContain('HistoryDatabaseName');
    }
    expect(errorOf(() => parseMonitorContext((key) => (key === 'historyTable' ? 'yes' : undefined)))).toBe(
      'context historyTable must be true or false, got "yes"',
    );
  });
});
