#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ReadinessMonitorStack } from '../lib/readiness-monitor-stack';

const app = new App();
new ReadinessMonitorStack(app, 'UsrReadinessMonitor');
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
