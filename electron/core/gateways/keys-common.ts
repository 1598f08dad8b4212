// Wording shared by the gateways' key checks.
import type { Mode } from '../../../shared/contract';

export const wrongMode = (keyMode: string, mode: Mode): string =>
  `This is a ${keyMode} key, but the account is in ${mode} mode. Use the ${mode} key${mode === 'live' ? ' from the live dashboard' : ' from the test dashboard'}, or create a ${keyMode}-mode account.`;
