// A GraphQL-over-HTTP client with its own cookie jar, as one browser would be.
export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

export class ApiClient {
  cookies = new Map<string, string>();
  lastSetCookie: string[] = [];

  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  cookieHeader(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  async request(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<{ status: number; body: GraphQLResponse }> {
    const cookie = this.cookieHeader();
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...this.headers, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    this.lastSetCookie = response.headers.getSetCookie();
    for (const line of this.lastSetCookie) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, body: (await response.json()) as GraphQLResponse };
  }

  /** Runs an operation and returns its data; throws with the error codes when it fails. */
  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { body } = await this.request(query, variables);
    if (body.errors?.length) {
      const error = new Error(body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ')) as Error & { errors: GraphQLResponse['errors'] };
      error.errors = body.errors;
      throw error;
    }
    return body.data as T;
  }

  /** Runs an operation expected to fail; returns its first error. */
  async gqlError(query: string, variables: Record<string, unknown> = {}): Promise<{ message: string; code: string; extensions: Record<string, any> }> {
    const { body } = await this.request(query, variables);
    const error = body.errors?.[0];
    if (!error) throw new Error(`expected an error, got ${JSON.stringify(body.data)}`);
    return { message: error.message, code: error.extensions?.code, extensions: error.extensions ?? {} };
  }
}
