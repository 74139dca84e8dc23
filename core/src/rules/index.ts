import type { Rule } from './rule';
import { SM000 } from './sm000-pragma';
import { SM100 } from './sm100-nothing-to-build';
import { SM101 } from './sm101-cmd-replaced-by-train';
import { SM102 } from './sm102-shell-form-entrypoint';
import { SM103 } from './sm103-no-train-program';
import { SM104 } from './sm104-not-executable';
import { SM105 } from './sm105-argparse-rejects-train';
import { SM106 } from './sm106-shell-c-without-exec';
import { SM107 } from './sm107-stop-signal-ignored';
import { SM201 } from './sm201-hidden-by-mount';
import { SM202 } from './sm202-code-nothing-runs';
import { SM203 } from './sm203-missing-sagemaker-program';
import { SM204 } from './sm204-program-not-copied';
import { SM205 } from './sm205-program-script-missing';
import { SM301 } from './sm301-non-amd64-platform';
import { SM302 } from './sm302-training-at-build-time';
import { SM303 } from './sm303-unpinned-base-image';
import { SM304 } from './sm304-nvidia-driver';
import { SM401 } from './sm401-python-unbuffered';
import { SM402 } from './sm402-non-root-user';
import { SM403 } from './sm403-crlf-script';
import { SM404 } from './sm404-missing-shebang';
import { SM501 } from './sm501-port-not-8080';
import { SM502 } from './sm502-no-serve-program';

/** The catalogue, in the order of the README's rule table, plus SM000 for pragma typos. */
export const RULES: readonly Rule[] = [
  SM100,
  SM101,
  SM102,
  SM103,
  SM104,
  SM105,
  SM106,
  SM107,
  SM201,
  SM202,
  SM203,
  SM204,
  SM205,
  SM301,
  SM302,
  SM303,
  SM304,
  SM401,
  SM402,
  SM403,
  SM404,
  SM501,
  SM502,
  SM000,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));
