// All catalogue modules, one per feature. Add a line when a feature gets its own strings.
import { common } from './common.ts';
import { hash } from './hash.ts';
import { errors } from './errors.ts';
import { deliver } from './deliver.ts';
import { deliveries } from './deliveries.ts';
import { keys } from './keys.ts';
import { profiles } from './profiles.ts';

export const CATALOGUES = { common, hash, errors, deliver, deliveries, keys, profiles };
