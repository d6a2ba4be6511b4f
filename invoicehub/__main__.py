import sys

from invoicehub.cli import main

sys.exit(main())
