import Foundation

/// Entry point used by the `assay` executable. Replaced by the real command tree.
public enum AssayCommandLine {
    public static func main() async {
        FileHandle.standardError.write(Data("assay: no commands yet\n".utf8))
        exit(2)
    }
}
