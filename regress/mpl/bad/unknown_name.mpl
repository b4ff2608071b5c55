packet p {
    n: uint32;
    data: byte[count];
}
