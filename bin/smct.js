#!/usr/bin/env node
'use strict';
void require('../dist/cli.js').main();
