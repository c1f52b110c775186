// The specs' authorization server is the demo's (npm run demo -- --oauth2): one helper, in demo/.
export { SECRET, startOidcServer, type OidcServer } from '../../demo/oidc-server.js';
