packet p (int mode) {
    msg: byte;
    classify (msg) {
    |60:"Sixty" when (msg == 60) -> ();
    };
}
