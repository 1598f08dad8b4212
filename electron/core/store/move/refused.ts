// A move that cannot go ahead, for a reason the person running it can act on: the command prints the message
// as it is and exits with status 1.
export class MoveRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveRefused';
  }
}
