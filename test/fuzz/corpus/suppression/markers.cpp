struct S { char a; double b; };  // gocxx:ignore[gocxx-layout-*]
const char* u = "http://x/gocxx:ignore[*]";
/* gocxx:ignore[gocxx-layout-padding,
   other] */ struct T { char a; int b; };
