from recommendation_service.cli import main

raise SystemExit(main())
