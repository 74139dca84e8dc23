import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ECR_REPOSITORY_PATTERN, ecrRegistry, parseImageReference, repositoryNameFor } from '../../../core/src/aws/imageReference';

test('image references split as Docker reads them', () => {
  assert.deepEqual(parseImageReference('trainer'), { registry: undefined, repository: 'trainer', tag: undefined, digest: undefined });
  assert.deepEqual(parseImageReference('team/trainer:1.0'), { registry: undefined, repository: 'team/trainer', tag: '1.0', digest: undefined });
  assert.deepEqual(parseImageReference('localhost/trainer'), { registry: 'localhost', repository: 'trainer', tag: undefined, digest: undefined });
  assert.deepEqual(parseImageReference('127.0.0.1:5000/a/b:tag'), { registry: '127.0.0.1:5000', repository: 'a/b', tag: 'tag', digest: undefined });
  const digest = `sha256:${'f'.repeat(64)}`;
  assert.deepEqual(parseImageReference(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/trainer@${digest}`), {
    registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    repository: 'trainer',
    tag: undefined,
    digest,
  });
});

test('ECR hosts give their account and region, China included', () => {
  assert.deepEqual(ecrRegistry('763104351884.dkr.ecr.us-west-2.amazonaws.com'), { account: '763104351884', region: 'us-west-2' });
  assert.deepEqual(ecrRegistry('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn'), { account: '123456789012', region: 'cn-north-1' });
  assert.equal(ecrRegistry('docker.io'), undefined);
  assert.equal(ecrRegistry(undefined), undefined);
});

test('repository names are made valid for ECR', () => {
  const cases: [string, string][] = [
    ['smct-example-training:latest', 'smct-example-training'],
    ['My_Trainer:1', 'my_trainer'],
    ['Team/My Trainer', 'team/my-trainer'],
    ['a..b__c', 'a-b-c'],
    ['_x_/y.', 'x/y'],
  ];
  for (const [image, expected] of cases) {
    assert.equal(repositoryNameFor(image), expected, image);
    assert.match(expected, ECR_REPOSITORY_PATTERN);
  }
});
