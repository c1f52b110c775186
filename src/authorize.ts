export interface AuthorizeOptions {
  /** Whether an error means "this token was refused". @default an error whose `status` is 401 */
  isUnauthorized?: (error: unknown) => boolean;
  /**
   * What the request is for, e.g. `'GET https://ws.api.video/videos'`: a route that refuses even a
   * token fresh from a refresh then gets its later 401s without another refresh. @default none
   */
  route?: string;
}
