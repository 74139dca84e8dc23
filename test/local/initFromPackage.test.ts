import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { npx, packAndInstall } from '../helpers/installedPackage';

// The "done when": a person with only Node.js and Docker installs the packed smct into a new
// project and goes from nothing to a trained model. The offline scikit-learn base image stands in for
// python:3.11-slim, which cannot be pulled here (scripts/setup-framework-images.sh makes it).
const BASE_IMAGE = 'smct-debian-python-sklearn:bookworm';
/** The image's name is this run's own, so that runs beside it do not share it. */
const NAME = `smct-init-package-${process.pid}`;

test('from the packed package: smct init, build and train --local end Completed with a model', (t) => {
  if (spawnSync('docker', ['image', 'inspect', BASE_IMAGE], { stdio: 'ignore' }).status !== 0) {
    return t.skip(`${BASE_IMAGE} is not on the Docker engine (or the engine is not running): run "npm run setup"`);
  }
  t.after(() => spawnSync('docker', ['image', 'rm', '--force', `${NAME}:latest`], { stdio: 'ignore' }));
  const { project, cache } = packAndInstall({});

  const init = npx(['init', 'my-job', '--template', 'scikit-learn', '--base-image', BASE_IMAGE, '--name', NAME], project, cache);
  assert.equal(init.status, 0, init.stderr);
  const job = path.join(project, 'my-job');

  const build = npx(['build'], job, cache);
  assert.equal(build.status, 0, build.stdout + build.stderr);
  assert.match(build.stdout, new RegExp(`No SageMaker problems found in ${NAME}:latest`));

  const train = npx(['train', '--local'], job, cache);
  assert.equal(train.status, 0, train.stdout + train.stderr);
  assert.match(train.stdout, /validation accuracy: 0\.\d+/);
  const completed = /Training job (\S+): Completed\n/.exec(train.stdout);
  assert.ok(completed, train.stdout);
  const model = path.join(job, 'output', completed[1], 'output', 'model.tar.gz');
  assert.ok(fs.statSync(model).size > 0, `${model} is written`);
  const listing = spawnSync('tar', ['-tzf', model], { encoding: 'utf8' });
  assert.equal(listing.status, 0, listing.stderr);
  assert.ok(
    listing.stdout.split('\n').some((entry) => /model\.joblib$/.test(entry)),
    listing.stdout,
  );
});
