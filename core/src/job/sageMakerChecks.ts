// SageMaker's CreateTrainingJob limits as checks of the job file: a file that SageMaker would
// refuse is told so with its other problems, at the keys that set the refused fields. No value of
// the AWS SDK is loaded here, so the editor can check a file as it is typed.
import type { LocatedProblem } from '../config/fileProblems';
import { checkTrainingJobRequest } from '../aws/requestLimits';
import { draftPlacement } from '../aws/placement';
import { createTrainingJobRequest } from '../aws/trainingRequest';
import { checkJobFileText, type JobFileRule } from './trainingJob';

export interface SageMakerCheckOptions {
  /** The role the job runs as, when given apart from the file (--role); default: the file's roleArn. */
  readonly roleArn?: string;
  /** The region the job goes to; default: the file's region. */
  readonly region?: string;
  /** The instance types SageMaker trains on (the AWS half's TRAINING_INSTANCE_TYPES); without it, only the schema's form of a type is checked. */
  readonly instanceTypes?: ReadonlySet<string>;
}

/**
 * Stand-ins while the role or region is not known: a missing role is its own error when the job
 * is sent (requireRole), and one of the shortest region codes, so that the draft's stand-in image
 * and bucket names are never longer than the real ones and no limit is reported that is not there.
 */
const STAND_IN_ROLE = 'arn:aws:iam::000000000000:role/stand-in';
const STAND_IN_REGION = 'us-east-1';

/** The limits check of the request the job makes, with stand-ins for what only AWS knows (the account, the image digest). */
export function sageMakerLimits(options: SageMakerCheckOptions = {}): JobFileRule {
  return (job) => {
    const placed = draftPlacement(job, options.roleArn ?? job.roleArn ?? STAND_IN_ROLE, options.region ?? job.region ?? STAND_IN_REGION);
    return checkTrainingJobRequest(createTrainingJobRequest(job, placed), options.instanceTypes).errors;
  };
}

/**
 * Every problem of a job file's text, as `smct submit` would report them, each with its key path
 * and the place of that key: what an editor shows as diagnostics.
 */
export function jobFileProblems(text: string, options: SageMakerCheckOptions & { readonly file?: string } = {}): LocatedProblem[] {
  return checkJobFileText(text, sageMakerLimits(options), options.file);
}
