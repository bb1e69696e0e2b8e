// Placeholder: the udplabctl helper replaces this file.
@main
struct UdplabCtl {
    static func main() {}
}
