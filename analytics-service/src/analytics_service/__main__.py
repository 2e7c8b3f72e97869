from analytics_service.cli import main

raise SystemExit(main())
