import AssayCLI

// The executable only hands its arguments to the library; all behaviour lives in AssayCLI.
await AssayCommandLine.main()
