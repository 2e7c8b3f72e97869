from product_service.cli import main

raise SystemExit(main())
