from payment_service.cli import main

raise SystemExit(main())
