// The values `smct init` writes into the Dockerfile and the job file from what the user gave:
// checked here, because a bad one would otherwise fail much later (a build, a CreateTrainingJob).
import { SmctError } from '../errors';

/**
 * A name that is at once a training job prefix and endpoint name (SageMaker: letters, digits and
 * hyphens, at most 63; CreateTrainingJob's TrainingJobName pattern `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`)
 * and a Docker repository (lowercase only): lowercase letters, digits and hyphens.
 */
const NAME = /^[a-z0-9](-*[a-z0-9]){0,62}$/;

/** The job, image and endpoint name for a project folder named `folderName`. */
export function nameFromFolder(folderName: string): string {
  const name = folderName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (!NAME.test(name)) {
    throw new SmctError('USAGE', `No job name can be made from the folder name "${folderName}": pass --name (lowercase letters, digits and hyphens).`);
  }
  return name;
}

export function checkName(name: string): string {
  if (!NAME.test(name)) {
    throw new SmctError(
      'USAGE',
      `--name "${name}" is not usable: it names the training job, the image and the endpoint, so it must be lowercase letters, digits and hyphens, starting and ending with a letter or digit, at most 63 characters.`,
    );
  }
  return name;
}

/**
 * An image reference as Docker reads it (registry[:port]/path[:tag][@digest]), which also keeps the
 * Dockerfile's ARG line one plain word: no spaces, quotes, `$` or line breaks.
 * https://github.com/distribution/reference/blob/main/reference.go
 */
const IMAGE_REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function checkBaseImage(image: string): string {
  if (image.length > 255 || !IMAGE_REFERENCE.test(image)) {
    throw new SmctError(
      'USAGE',
      `--base-image "${image}" is not an image reference (for example python:3.11-slim or 123456789012.dkr.ecr.us-east-1.amazonaws.com/base:1).`,
    );
  }
  return image;
}

/** CreateTrainingJob's RoleArn pattern (the official API model). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-/]+$/;

export function checkRoleArn(roleArn: string): string {
  if (!ROLE_ARN.test(roleArn) || roleArn.length > 2048) {
    throw new SmctError('USAGE', `--role "${roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).`);
  }
  return roleArn;
}
