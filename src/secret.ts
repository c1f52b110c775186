const redacted = '[redacted]';

/**
 * Holds a credential (API key, refresh token) so that it cannot leak by
 * accident: the value lives in a private field, and every way an object is
 * usually printed (String, JSON.stringify, Node's util.inspect) shows
 * `[redacted]`. Only `reveal()`, called where the value is sent, reads it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return redacted;
  }

  toJSON(): string {
    return redacted;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return redacted;
  }
}
