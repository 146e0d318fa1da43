from groupbot.cli import main

raise SystemExit(main())
