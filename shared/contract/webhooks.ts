// Methods and events of the webhooks domain. Filled by the issue that builds webhooks.
export const webhooksMethods = {};
export const webhooksEvents = {};
