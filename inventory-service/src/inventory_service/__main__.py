from inventory_service.cli import main

raise SystemExit(main())
