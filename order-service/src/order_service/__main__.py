from order_service.cli import main

raise SystemExit(main())
