// The desk session: who is at the desk, their role, PINs and the refund policy.
export { actorOf, createOperatorsService, SINGLE_USER_OWNER, API_ACTOR, DEFAULT_POLICY, type OperatorsDeps, type OperatorsService } from './service';
export { hashPin, verifyPin } from './pin';
