from cart_service.cli import main

raise SystemExit(main())
