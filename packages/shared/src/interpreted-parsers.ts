// Import this first, before any schema is built, in code that runs under a
// Content-Security-Policy without 'unsafe-eval' (the web app). zod compiles object parsers
// with `new Function` when it can, and its probe for that is itself reported as a CSP
// violation; it decides when a schema is built, so the switch must come before them all.
// The interpreted parsers accept and refuse exactly the same values. The server keeps the
// compiled ones: it parses push batches of up to a thousand rows.
import { z } from 'zod';

z.config({ jitless: true });
