// The public face of conf/: include this one header.
//
//   text/file --parse_tree--> SyntaxTree --expand--> Config{JailConf...}
//            --resolve--> JailSpec        (per jail)
//   argv ------from_arguments--> JailConf --resolve--> JailSpec
//   Config --start_order/stop_order--> indexes;  JailConf --exhibit--> `jail -e` line
//   param_table.h: every parameter, for jls (-n all, -s) and the lifecycle.
#pragma once

#include "conf/arguments.h"
#include "conf/exhibit.h"
#include "conf/expand.h"
#include "conf/jail_spec.h"
#include "conf/lexer.h"
#include "conf/load.h"
#include "conf/order.h"
#include "conf/param_table.h"
#include "conf/parser.h"
#include "conf/resolve.h"
