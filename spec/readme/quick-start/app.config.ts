// app.config.ts
import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import type { ApplicationConfig } from '@angular/core';
import { bearerInterceptor, provideBearerAuth } from 'rx-bearer/angular';

export const appConfig: ApplicationConfig = {
  providers: [
    // The token comes from your server's /api/video-token (the server half: the README's browser quick start); the API key stays there.
    provideBearerAuth({ tokenUrl: '/api/video-token', baseUrl: 'https://sandbox.api.video' }),
    provideHttpClient(withFetch(), withInterceptors([bearerInterceptor])),
  ],
};
