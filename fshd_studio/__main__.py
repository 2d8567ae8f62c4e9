from fshd_studio.app import main

raise SystemExit(main())
