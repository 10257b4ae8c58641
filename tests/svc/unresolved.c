/* A service that needs a function no environment provides: loading it must
 * fail naming the symbol and the object, with nothing left allocated. */
#include <kea/service.h>

int kea_no_such_function(int);

static int init(void) { return kea_no_such_function(1); }

KEA_SERVICE(.name = "unresolved", .init = init);
