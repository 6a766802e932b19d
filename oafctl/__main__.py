from oafctl.cli import main

main()
