// app.config.ts
import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import type { ApplicationConfig } from '@angular/core';
import { bearerInterceptor, provideBearerAuth } from 'rx-bearer/angular';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBearerAuth({ apiKey: 'your-sandbox-api-key', baseUrl: 'https://sandbox.api.video' }),
    provideHttpClient(withFetch(), withInterceptors([bearerInterceptor])),
  ],
};
