import { TrainingInstanceType } from '@aws-sdk/client-sagemaker';

/**
 * The instance types SageMaker trains on: the SDK's list, which follows the API model's enum (a
 * test checks it holds every one of the model's). Apart from the limits table, which must not
 * load the SDK.
 */
export const TRAINING_INSTANCE_TYPES: ReadonlySet<string> = new Set(Object.values(TrainingInstanceType));
