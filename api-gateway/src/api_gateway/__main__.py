from api_gateway.cli import main

raise SystemExit(main())
