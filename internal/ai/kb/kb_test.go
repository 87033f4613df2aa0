package kb

import "context"

var ctx = context.Background()
