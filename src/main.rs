fn main() {
    users_console::start();
}
