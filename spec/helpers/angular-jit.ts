// Angular's packages are partially compiled: its JIT compiler must load before
// any of them, or injectables fail to compile. Helpers load before specs.
import '@angular/compiler';
