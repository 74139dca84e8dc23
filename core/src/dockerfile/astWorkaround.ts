import { DockerfileParser, type Dockerfile as ParsedDockerfile } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the class the parser builds, to replace one of its methods
const { Dockerfile } = require('dockerfile-ast/lib/dockerfile') as { Dockerfile: { prototype: OrganizedDockerfile } };

interface Ranged {
  getRange(): Range | null;
}
interface CommentHolder {
  /** An image template's range: never null (0:0-0:0 when it has no instruction). */
  getRange(): Range;
  addComment(comment: Ranged): void;
}
/** The parts of dockerfile-ast's Dockerfile (0.7) that its organizeComments uses. */
interface OrganizedDockerfile {
  organizeComments(this: OrganizedDockerfile): void;
  getComments(): Ranged[];
  initialInstructions: CommentHolder;
  buildStages: CommentHolder[];
}

type Position = Range['start'];

function compare(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** True when the position is inside the range, ends included (as dockerfile-ast's Util.isInsideRange). */
function inside(position: Position, range: Range): boolean {
  return compare(range.start, position) <= 0 && compare(position, range.end) <= 0;
}

/**
 * dockerfile-ast gives each comment to the build stage that holds it by testing every comment
 * against every stage, recomputing each stage's range each time: quadratic, seconds on a
 * Dockerfile of a few megabytes with many stages and comments. Comments and stages are both in
 * document order, so one pass over each gives the same answer.
 */
function organizeCommentsInOnePass(this: OrganizedDockerfile): void {
  const initialRange = this.initialInstructions.getRange();
  const stages = this.buildStages.map((stage) => ({ stage, range: stage.getRange() }));
  let firstOpen = 0;
  for (const comment of this.getComments()) {
    const range = comment.getRange();
    if (!range) continue;
    if (inside(range.end, initialRange)) {
      this.initialInstructions.addComment(comment);
      continue;
    }
    // Stages that end before this comment end before every later comment too.
    while (firstOpen < stages.length && compare(stages[firstOpen].range.end, range.start) < 0) firstOpen++;
    for (let index = firstOpen; index < stages.length && compare(stages[index].range.start, range.start) <= 0; index++) {
      if (inside(range.start, stages[index].range)) stages[index].stage.addComment(comment);
    }
  }
}

/** dockerfile-ast's parse, with comments given to stages in one pass (see organizeCommentsInOnePass). */
export function parseDockerfile(text: string): ParsedDockerfile {
  Dockerfile.prototype.organizeComments = organizeCommentsInOnePass;
  return DockerfileParser.parse(text);
}
