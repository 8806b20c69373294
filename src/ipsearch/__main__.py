from ipsearch.cli import main

main()
