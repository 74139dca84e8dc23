import { ruleTable } from '../../helpers/lint';

ruleTable('SM000', [
  {
    name: 'an unknown rule ID in an ignore pragma is reported on the ID',
    dockerfile: '# smct ignore=SM101,SM999\nFROM python:3.11\n',
    expect: [{ line: 1, text: 'SM999', severity: 'info', message: /silences nothing/ }],
  },
  { name: 'an unknown kind is reported', dockerfile: '# smct kind=serving\nFROM python:3.11\n', expect: [{ line: 1, text: 'serving' }] },
  { name: 'an unknown pragma is reported', dockerfile: '# smct ignore-all\nFROM python:3.11\n', expect: [{ line: 1, text: '# smct ignore-all' }] },
  {
    name: 'valid pragmas and ordinary comments are fine',
    dockerfile: '# smct global ignore=SM303 # pinned elsewhere\n# smct kind=both\n# a comment about smctx\nFROM python\n',
    expect: [],
  },
]);
