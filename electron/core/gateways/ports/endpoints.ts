// The part of the gateway seam for registering Paydesk's public webhook URL with the gateway, where the
// gateway has an API for it (the tunnel service calls it whenever the public URL becomes known or changes).
// Gateway-neutral: no SDK type appears here; each gateway's implementation is in gateways/<gateway>/endpoints.ts.

export interface EndpointResult {
  endpointId: string;
  url: string;
  action: 'created' | 'updated' | 'unchanged' | 'recreated';
  /** other Paydesk endpoints of the same account found and deleted (left over from earlier runs) */
  removedDuplicates: number;
  /**
   * The signing secret of an endpoint just created ('created', 'recreated'): the gateway shows it only
   * once, so the caller stores it at once, or removes the endpoint. null otherwise (or when the gateway
   * gave none, which is as bad).
   */
  secret: string | null;
}

export interface EndpointPort {
  /**
   * Makes sure the account has exactly one Paydesk endpoint, at `url`, enabled for the events Paydesk
   * consumes: an existing one is updated in place, duplicates are removed. `haveSecret` says whether Paydesk
   * still holds the signing secret of the existing endpoint; if not (data folder restored, vault reset), it
   * is deleted and created anew. Throws AppError, never with a key or secret in it.
   */
  ensure(url: string, haveSecret: () => Promise<boolean> | boolean): Promise<EndpointResult>;
  /** deletes an endpoint (one whose secret could not be stored); errors are the caller's to ignore */
  remove(endpointId: string): Promise<void>;
}
