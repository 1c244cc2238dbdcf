from .cli import main
from .gcpause import freeze_loaded_data

freeze_loaded_data()  # this process keeps the data it loads until it ends (gcpause.py)
raise SystemExit(main())
