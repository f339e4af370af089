#!/usr/bin/env node
'use strict'
globalThis.__leastPrivilegeCli = true
require('../index.js')
