// Methods and events of the refunds domain. Filled by the issue that builds refunds.
export const refundsMethods = {};
export const refundsEvents = {};
