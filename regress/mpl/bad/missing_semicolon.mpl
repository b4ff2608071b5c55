packet p {
    a: uint32
    b: uint32;
}
