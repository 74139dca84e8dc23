import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  SageMakerClient,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import type { Locator, Page } from 'playwright-core';
import { TRAINING_LOG_GROUP } from '../aws/emulator/index';
import { startEmulatorForCodeServer, type EmulatorForCodeServer } from '../vscode/awsEmulator';
import { findCodeServer, waitUntil } from '../vscode/codeServer';
import { ARTIFACTS, editorLines, openWorkbench, reloadWindow, runCommand, type Workbench } from './workbench';

const codeServer = findCodeServer();

/** Jobs as a person's account would hold them, oldest first: the list shows them newest first. */
const JOBS = [
  { name: 'churn-xgb-baseline', scenario: 'complete' },
  { name: 'churn-xgb-depth-8', scenario: 'fail' },
  { name: 'resnet50-finetune-lr-3e-4', scenario: 'stopped' },
  { name: 'bert-sentiment-v2', scenario: 'until-stopped' },
] as const;

/** Creates a training job in the emulator, as SageMaker would hold it, its life scripted by hyperparameters (see awsEmulator.ts). */
async function createJob(aws: EmulatorForCodeServer, name: string, hyperParameters: Record<string, string>): Promise<void> {
  const { emulator } = aws;
  const sagemaker = new SageMakerClient(emulator.clientConfig());
  try {
    const bucket = `sagemaker-${emulator.region}-${emulator.accountId}`;
    await sagemaker.send(
      new CreateTrainingJobCommand({
        TrainingJobName: name,
        RoleArn: `arn:aws:iam::${emulator.accountId}:role/SageMakerTraining`,
        AlgorithmSpecification: { TrainingImage: `${emulator.accountId}.dkr.ecr.${emulator.region}.amazonaws.com/trainer:latest`, TrainingInputMode: 'File' },
        HyperParameters: hyperParameters,
        OutputDataConfig: { S3OutputPath: `s3://${bucket}/` },
        ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      }),
    );
  } finally {
    sagemaker.destroy();
  }
}

/** Creates the jobs in the emulator, as SageMaker would hold them, and waits until the ended ones have ended. */
async function seedJobs(aws: EmulatorForCodeServer): Promise<void> {
  const { emulator } = aws;
  const config = emulator.clientConfig();
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const sagemaker = new SageMakerClient(config);
  try {
    const bucket = `sagemaker-${emulator.region}-${emulator.accountId}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: emulator.region as BucketLocationConstraint } }));
    for (const job of JOBS) {
      await createJob(aws, job.name, { smct_scenario: job.scenario === 'stopped' ? 'until-stopped' : job.scenario, smct_delay_ms: '20' });
      if (job.scenario === 'stopped') {
        await waitUntil(`${job.name} to train`, () => emulator.trainingJob(job.name).secondaryStatus === 'Training', 10_000);
        await sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: job.name }));
      }
      if (job.scenario !== 'until-stopped') await emulator.waitForJob(job.name);
    }
  } finally {
    s3.destroy();
    sagemaker.destroy();
  }
}

/** Endpoints as a person's account would hold them, each with its model and configuration: the view lists them newest first. */
const ENDPOINTS = ['churn-xgb-prod', 'churn-xgb-staging', 'sentiment-bert-v2'];

/** Creates the endpoints in the emulator (its scripted containers, no Docker) and waits until they are InService. */
async function seedEndpoints(aws: EmulatorForCodeServer): Promise<void> {
  const { emulator } = aws;
  const sagemaker = new SageMakerClient(emulator.clientConfig());
  try {
    for (const name of ENDPOINTS) {
      await sagemaker.send(
        new CreateModelCommand({
          ModelName: name,
          ExecutionRoleArn: `arn:aws:iam::${emulator.accountId}:role/SageMakerExecutionRole`,
          PrimaryContainer: { Image: `${emulator.accountId}.dkr.ecr.${emulator.region}.amazonaws.com/${name}:latest` },
        }),
      );
      await sagemaker.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: name,
          ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: name, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
        }),
      );
      await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
      const state = await emulator.waitForEndpoint(name);
      assert.equal(state.status, 'InService', `${name}: ${state.failureReason}`);
    }
  } finally {
    sagemaker.destroy();
  }
}

/** The log lines a job's runner wrote to CloudWatch (one instance), in order. */
function emittedLines(aws: EmulatorForCodeServer, name: string): string[] {
  const { logs } = aws.emulator;
  return logs
    .streamNames(TRAINING_LOG_GROUP)
    .filter((stream) => stream.startsWith(`${name}/`))
    .flatMap((stream) => logs.events(TRAINING_LOG_GROUP, stream).map((event) => event.message));
}

describe(
  'the SageMaker view: training jobs on AWS (code-server in Chromium, the AWS emulator)',
  { skip: 'missing' in codeServer ? codeServer.missing : false },
  () => {
    let aws: EmulatorForCodeServer;
    let workbench: Workbench;
    let page: Page;
    const row = (name: string): Locator => page.locator('.pane-body .monaco-list-row', { hasText: name });
    /** A view title action: shown while the mouse is over the view, as for a person. */
    const viewAction = async (label: string): Promise<void> => {
      await page.locator('.part.sidebar .pane-body').first().hover();
      await page.locator(`.part.sidebar .action-label[aria-label="${label}"]:visible`).first().click();
    };

    before(async () => {
      assert.ok('entry' in codeServer);
      aws = await startEmulatorForCodeServer();
      await seedJobs(aws);
      workbench = await openWorkbench(codeServer.entry, { env: aws.env, settings: aws.settings });
      page = workbench.page;
    });

    after(async () => {
      await workbench?.close();
      await aws?.close();
    });

    test('the SageMaker activity bar view lists the jobs, newest first, with their status icons', async () => {
      await page
        .locator('.activitybar .action-item', { has: page.locator('[aria-label^="SageMaker"]') })
        .first()
        .click();
      for (const job of JOBS) await row(job.name).waitFor({ timeout: 60_000 });
      const names = await page.locator('.pane-body .monaco-list-row .label-name').allInnerTexts();
      assert.deepEqual(names, JOBS.map((job) => job.name).reverse());
      const icon = (name: string, codicon: string): Promise<void> => row(name).locator(`.codicon-${codicon}`).first().waitFor({ timeout: 10_000 });
      await icon('bert-sentiment-v2', 'sync');
      await icon('resnet50-finetune-lr-3e-4', 'debug-stop');
      await icon('churn-xgb-depth-8', 'error');
      await icon('churn-xgb-baseline', 'pass');
      assert.match(await row('churn-xgb-baseline').innerText(), /Completed · (just now|\d+ min ago)/);
      assert.match(await row('bert-sentiment-v2').innerText(), /InProgress/);
      await page
        .locator('.statusbar-item', { hasText: `AWS: environment (${aws.emulator.region})` })
        .first()
        .waitFor({ timeout: 10_000 });
      await workbench.screenshot('aws-01-training-jobs');
    });

    test("the Endpoints view lists the endpoints of the region with their status (the README's picture)", async () => {
      await seedEndpoints(aws);
      const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Endpoints' }) });
      const header = pane.locator('.pane-header');
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      await header.hover();
      await header.locator('.action-label[aria-label="Refresh Endpoints"]').click();
      const endpointRow = (name: string): Locator => pane.locator('.monaco-list-row', { hasText: name });
      for (const name of ENDPOINTS) await endpointRow(name).waitFor({ timeout: 60_000 });
      assert.deepEqual(await pane.locator('.monaco-list-row .label-name').allInnerTexts(), [...ENDPOINTS].reverse(), 'newest first');
      for (const name of ENDPOINTS) assert.match(await endpointRow(name).innerText(), /InService/);
      // Cropped to the view, for docs/images/endpoints-view.png: the side bar made wider for it by its sash, as a person would, and put back.
      const sidebar = await page.locator('.part.sidebar').boundingBox();
      assert.ok(sidebar);
      const edge = { x: sidebar.x + sidebar.width, y: sidebar.y + sidebar.height / 2 };
      const drag = async (from: number, to: number): Promise<void> => {
        await page.mouse.move(from, edge.y);
        await page.mouse.down();
        await page.mouse.move(to, edge.y, { steps: 10 });
        await page.mouse.up();
      };
      await drag(edge.x, edge.x + 140);
      await page.mouse.move(700, 300);
      try {
        // Down to the last endpoint: the empty rest of the view says nothing.
        const box = await pane.boundingBox();
        const last = await pane.locator('.monaco-list-row').last().boundingBox();
        assert.ok(box && last);
        const clip = { x: box.x, y: box.y, width: box.width, height: last.y + last.height + 6 - box.y };
        await page.screenshot({ path: path.join(ARTIFACTS, 'aws-endpoints-view.png'), clip });
      } finally {
        await drag(edge.x + 140, edge.x);
      }
    });

    test('hovering a failed job shows its ARN and FailureReason', async () => {
      // A tooltip shows after the mouse rests on the label, as a person's does.
      const label = row('churn-xgb-depth-8').locator('.label-name');
      const box = await label.boundingBox();
      assert.ok(box);
      await page.mouse.move(700, 300);
      await page.mouse.move(box.x + 5, box.y + box.height / 2, { steps: 5 });
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 10 });
      const hover = page.locator('.monaco-hover-content, .custom-hover, .workbench-hover').filter({ hasText: 'FailureReason' });
      try {
        await hover.first().waitFor({ timeout: 30_000 });
      } catch (error) {
        await workbench.screenshot('failed-aws-tooltip');
        const classes = await page
          .locator('[class*="hover"]')
          .evaluateAll((elements) => elements.map((e) => `${e.className}: ${e.textContent?.slice(0, 100)}`));
        throw new Error(`${(error as Error).message}\n${classes.join('\n')}`);
      }
      assert.match(await hover.first().innerText(), /AlgorithmError: scripted failure/);
      await workbench.screenshot('aws-02-failed-tooltip');
      await page.mouse.move(5, 5);
    });

    test('Show Logs opens the output channel of the job', async () => {
      await row('churn-xgb-baseline').hover();
      await row('churn-xgb-baseline').locator('.action-label[aria-label="Show Training Job Logs"]').click();
      const output = page.locator('.part.panel .monaco-editor .view-lines');
      await output.filter({ hasText: 'Training job churn-xgb-baseline: Completed' }).waitFor({ timeout: 60_000 });
      // The editor draws spaces as no-break spaces.
      assert.match((await output.first().innerText()).replace(/\u00a0/g, ' '), /epoch 3: loss=0\.21/);
      await workbench.screenshot('aws-03-job-logs');
    });

    test('expired credentials: the view shows what to do instead of the jobs, and the AWS status bar item warns', async () => {
      aws.emulator.expireCredentials(true);
      try {
        await viewAction('Refresh Training Jobs');
        await page.locator('.pane-body .monaco-list-row', { hasText: 'AWS credentials expired' }).waitFor({ timeout: 30_000 });
        const status = page.locator('.statusbar-item', { hasText: 'AWS: environment' });
        await status.locator('.codicon-warning').waitFor({ timeout: 10_000 });
        await workbench.screenshot('aws-04-expired-credentials');
      } finally {
        aws.emulator.expireCredentials(false);
      }
      await viewAction('Refresh Training Jobs');
      await row('churn-xgb-baseline').waitFor({ timeout: 30_000 });
      await page.locator('.statusbar-item', { hasText: 'AWS: environment' }).locator('.codicon-cloud').waitFor({ timeout: 10_000 });
    });

    test('Select AWS Profile lists the profiles with their kind and region', async () => {
      await viewAction('Select AWS Profile');
      const list = page.locator('.quick-input-widget .quick-input-list');
      await list.locator('.monaco-list-row', { hasText: 'dev-sso' }).waitFor({ timeout: 30_000 });
      const text = await list.innerText();
      assert.match(text, /Default credential chain/);
      assert.match(text, /dev-sso\s*IAM Identity Center \(SSO\) · eu-west-1/);
      assert.match(text, /research\s*assume role · us-west-2/);
      assert.doesNotMatch(text, /sso-session/);
      await workbench.screenshot('aws-05-select-profile');
      await page.keyboard.press('Escape');
    });

    test('Stop asks first, then the running job shows as stopped', async () => {
      await row('bert-sentiment-v2').hover();
      await row('bert-sentiment-v2').locator('.action-label[aria-label="Stop Training Job"]').click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      assert.match(await dialog.innerText(), /Stop training job bert-sentiment-v2\? SageMaker sends SIGTERM, then SIGKILL after 120 s\./);
      await workbench.screenshot('aws-06-stop-confirmation');
      await dialog.locator('.monaco-button', { hasText: 'Stop Job' }).click();
      await row('bert-sentiment-v2').locator('.codicon-debug-stop').waitFor({ timeout: 60_000 });
      assert.match(await row('bert-sentiment-v2').innerText(), /Stopped/);
      await workbench.screenshot('aws-07-stopped');
    });

    test('a job followed when the window reloads is followed again: its channel comes back and goes on to the end, no line twice, none lost', async (t) => {
      try {
        // About 25 s of training, a line every 250 ms: it runs on well past the reload.
        const name = 'mnist-cnn-100-epochs';
        await createJob(aws, name, { smct_scenario: 'complete', smct_delay_ms: '250', smct_epochs: '100' });
        // The view is open after the tests before; this one can run alone too.
        const view = page.locator('.part.sidebar .title-label', { hasText: 'SageMaker' });
        if (!(await view.isVisible())) {
          await page
            .locator('.activitybar .action-item', { has: page.locator('[aria-label^="SageMaker"]') })
            .first()
            .click();
          await view.waitFor({ timeout: 30_000 });
        }
        await viewAction('Refresh Training Jobs');
        await row(name).waitFor({ timeout: 30_000 });
        await row(name).hover();
        await row(name).locator('.action-label[aria-label="Show Training Job Logs"]').click();
        const output = page.locator('.part.panel .monaco-editor .view-lines');
        // The editor draws spaces as no-break spaces, which \s matches.
        await output.filter({ hasText: /epoch\s\d+:\sloss/ }).waitFor({ timeout: 60_000 });
        assert.equal(aws.emulator.trainingJob(name).status, 'InProgress', 'still training when the window reloads');
        const reloadedAt = Date.now();
        await reloadWindow(page);
        t.diagnostic(`the window reloaded in ${Date.now() - reloadedAt} ms`);

        // The new window: the job's channel is in the Output view's list again, and shows the job going on.
        await runCommand(page, 'Output: Focus on Output View');
        const channels = page.locator('.part.panel select.monaco-select-box:visible').first();
        const channel = `SageMaker Job: ${name}`;
        await waitUntil(`"${channel}" in the Output view's list`, async () => (await channels.locator('option').allTextContents()).includes(channel), 60_000);
        const resumedAfterMs = Date.now() - reloadedAt;
        const linesBack = emittedLines(aws, name).length;
        t.diagnostic(`the channel was back ${resumedAfterMs} ms after the reload, the job at line ${linesBack} of 102`);
        assert.equal(aws.emulator.trainingJob(name).status, 'InProgress', `still training when the channel is back (${resumedAfterMs} ms after the reload)`);
        // Chosen from the list, as a person would. The list changes, and closes, as the other extensions add their channels: choose again then.
        const option = page.locator('.monaco-select-box-dropdown-container .monaco-list-row', { hasText: channel });
        const chosen = async (): Promise<boolean> => (await channels.evaluate((select) => select.options[select.selectedIndex]?.text)) === channel;
        await waitUntil(
          `"${channel}" chosen in the Output view`,
          async () => {
            if (await chosen()) return true;
            if (!(await option.isVisible())) await channels.click({ timeout: 5_000 }).catch(() => undefined);
            await option.click({ timeout: 5_000 }).catch(() => undefined);
            return chosen();
          },
          60_000,
        );
        await output.filter({ hasText: /epoch\s\d+:\sloss/ }).waitFor({ timeout: 30_000 });

        // It goes on to the job's end (the status is read every 30 s), with the summary and a notification.
        await output.filter({ hasText: `Training job ${name}: Completed` }).waitFor({ timeout: 90_000 });
        await output.filter({ hasText: 'Model artifact:' }).waitFor({ timeout: 10_000 });
        await page.locator('.notification-toast', { hasText: `Training job ${name} completed.` }).waitFor({ timeout: 30_000 });
        t.diagnostic(`the summary showed ${Date.now() - reloadedAt} ms after the reload`);

        const lines = await editorLines(page, page.locator('.part.panel .monaco-editor').first());
        // Back at the end (the cursor on the last, empty, line), as the channel showed it; the focus in the editor, the channel list's hover is gone.
        await page.keyboard.press('Control+End');
        await output.filter({ hasText: 'Model artifact:' }).waitFor({ timeout: 10_000 });
        // The highlights of the word the reading left the cursor on go a moment after it moves.
        await waitUntil('no word highlighted', async () => (await page.locator('.part.panel .monaco-editor [class*="wordHighlight"]').count()) === 0, 10_000);
        await workbench.screenshot('aws-08-after-reload');
        const transcript = `the channel:\n${lines.join('\n')}`;
        t.diagnostic(`${lines.length} lines read from the Output view`);
        const emitted = emittedLines(aws, name);
        assert.equal(emitted.length, 102, 'the runner wrote its lines');
        // Every line the job wrote, once, in order; and no other line twice (status, summary).
        assert.deepEqual(
          lines.filter((line) => emitted.includes(line)),
          emitted,
          transcript,
        );
        const printed = lines.filter((line) => line !== '');
        assert.deepEqual(
          printed.filter((line, index) => printed.indexOf(line) !== index),
          [],
          `no line twice: ${transcript}`,
        );
        assert.equal(lines[0], `Training job ${name} in ${aws.emulator.region}: InProgress`, transcript);
        assert.ok(printed.includes(`Training job ${name}: Completed`), transcript);
        assert.match(printed.at(-1) ?? '', new RegExp(`^Model artifact: s3://.*/${name}/output/model.tar.gz$`), transcript);
      } catch (error) {
        await workbench.screenshot('failed-aws-reload');
        throw error;
      }
    });
  },
);
